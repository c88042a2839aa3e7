"""moto_server with the additions of this directory: run with the moto virtual environment's
python, and moto_server's arguments (-H host -p port)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import streaming_destination  # noqa: E402,F401  (patches moto's DynamoDB handler)
from moto.server import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
