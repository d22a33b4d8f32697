// Shared test helpers (gradient checks, tolerances, fixtures).
