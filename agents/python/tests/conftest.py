import sys
from pathlib import Path

# conformance.py and engines.py, beside the tests, are imported by name.
sys.path.insert(0, str(Path(__file__).parent))
