"""The test suite; its layout mirrors pipeline/."""
