"""Rural tourism (乡村旅游扶贫): homestays and bookings, jobs in scenic areas, village tourism cooperatives."""
