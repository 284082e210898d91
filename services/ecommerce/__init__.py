"""E-commerce (电商扶贫): online stores, sales of farm products, income to households."""
