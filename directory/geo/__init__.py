"""Brussels geography: loading the reference data and tagging locations with commune, quartier and bassin."""
