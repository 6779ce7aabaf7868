"""What every layer may use and that knows no domain: the database and its transactions,
settings, errors, clock, ids, geometry, paging, identity and domain-event dispatch."""
