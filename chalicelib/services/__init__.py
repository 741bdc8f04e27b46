"""Use cases: each loads through repositories, applies the domain, and writes once."""
