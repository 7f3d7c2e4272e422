import sys
from pathlib import Path

# conformance.py, beside the tests, is imported by name.
sys.path.insert(0, str(Path(__file__).parent))
