"""The parts of the 10 000-person company (``python -m demo.large``), each drawing plain rows."""
