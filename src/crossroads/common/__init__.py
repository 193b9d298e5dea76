"""Foundation: errors, partial dates as intervals, three-valued values, YAML reading, messages,
interface language."""
