"""One module (or package) per journey step, each calling the engine."""
