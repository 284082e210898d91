"""Photovoltaic poverty alleviation (光伏扶贫): rooftop systems and village stations, monthly
generation reports, revenue distributed to households as dividends or public-welfare wages,
faults and the risk signal of a station down too long."""
