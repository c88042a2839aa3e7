"""DynamoDB's Kinesis streaming destination API for moto_server, which lacks it (moto 5.2.5).

Importing this module adds EnableKinesisStreamingDestination,
DescribeKinesisStreamingDestination, UpdateKinesisStreamingDestination and
DisableKinesisStreamingDestination to moto's DynamoDB handler, with the request and response
shapes of the DynamoDB API reference. The destinations of a table live on moto's table object,
so they go with the table when it is deleted. Nothing is written to the Kinesis stream.

Status transitions: a changing call answers with the transitional status AWS reports
(ENABLING, UPDATING, DISABLING); the table settles at once, so the next Describe reports
ACTIVE or DISABLED.
"""

from typing import Any

from moto.core.responses import ActionResult
from moto.dynamodb.exceptions import (
    MockValidationException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from moto.dynamodb.responses import DynamoHandler
from moto.kinesis.models import kinesis_backends

PRECISIONS = ("MILLISECOND", "MICROSECOND")
# The statuses in which a destination receives, or is about to receive, the table's changes.
ENABLED = ("ENABLING", "ACTIVE", "UPDATING")
SETTLED = {"ENABLING": "ACTIVE", "UPDATING": "ACTIVE", "DISABLING": "DISABLED"}


def _destinations(table: Any) -> dict[str, dict[str, str]]:
    """The table's destinations by stream ARN, in the order they were first enabled."""
    if not hasattr(table, "kinesis_streaming_destinations"):
        table.kinesis_streaming_destinations = {}
    return table.kinesis_streaming_destinations


def _settle(table: Any) -> dict[str, dict[str, str]]:
    destinations = _destinations(table)
    for destination in destinations.values():
        destination["DestinationStatus"] = SETTLED.get(
            destination["DestinationStatus"], destination["DestinationStatus"]
        )
    return destinations


def _table(handler: DynamoHandler) -> Any:
    name = handler.body.get("TableName")
    if not name:
        raise MockValidationException("1 validation error detected: TableName must not be null")
    try:
        return handler.dynamodb_backend.get_table(name)
    except ResourceNotFoundException:
        raise ResourceNotFoundException(table_name=name)


def _stream_arn(handler: DynamoHandler) -> str:
    arn = handler.body.get("StreamArn")
    if not arn:
        raise MockValidationException("1 validation error detected: StreamArn must not be null")
    return arn


def _require_stream(arn: str) -> None:
    """Fails unless the stream exists in moto's Kinesis (of the ARN's account and region)."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "kinesis" or not parts[5].startswith("stream/"):
        raise MockValidationException(f"Invalid StreamArn: {arn}")
    region, account, name = parts[3], parts[4], parts[5][len("stream/") :]
    backend = kinesis_backends[account][region]
    stream = backend.streams.get(name)
    if stream is None or stream.arn != arn:
        raise ResourceNotFoundException(f"Requested resource not found: Stream: {arn} not found")


def _precision(configuration: Any, default: str | None) -> str | None:
    precision = (configuration or {}).get("ApproximateCreationDateTimePrecision") or default
    if precision is not None and precision not in PRECISIONS:
        raise MockValidationException(
            "1 validation error detected: Value '"
            + str(precision)
            + "' at 'ApproximateCreationDateTimePrecision' failed to satisfy constraint: "
            + "Member must satisfy enum value set: [MILLISECOND, MICROSECOND]"
        )
    return precision


def enable_kinesis_streaming_destination(self: DynamoHandler) -> ActionResult:
    table = _table(self)
    arn = _stream_arn(self)
    precision = _precision(self.body.get("EnableKinesisStreamingConfiguration"), "MILLISECOND")
    _require_stream(arn)
    destinations = _settle(table)
    if any(d["DestinationStatus"] in ENABLED for d in destinations.values()):
        # A table streams to one Kinesis data stream at a time.
        raise MockValidationException(
            "Table is not in a valid state to enable Kinesis Streaming Destination: "
            "EnableKinesisStreamingDestination must be DISABLED to perform ENABLE operation."
        )
    destinations.pop(arn, None)
    destinations[arn] = {
        "StreamArn": arn,
        "DestinationStatus": "ENABLING",
        "ApproximateCreationDateTimePrecision": precision,
    }
    return ActionResult(
        {
            "TableName": table.name,
            "StreamArn": arn,
            "DestinationStatus": "ENABLING",
            "EnableKinesisStreamingConfiguration": {
                "ApproximateCreationDateTimePrecision": precision
            },
        }
    )


def describe_kinesis_streaming_destination(self: DynamoHandler) -> ActionResult:
    table = _table(self)
    return ActionResult(
        {
            "TableName": table.name,
            "KinesisDataStreamDestinations": [dict(d) for d in _settle(table).values()],
        }
    )


def update_kinesis_streaming_destination(self: DynamoHandler) -> ActionResult:
    table = _table(self)
    arn = _stream_arn(self)
    configuration = self.body.get("UpdateKinesisStreamingConfiguration")
    precision = _precision(configuration, None)
    if precision is None:
        raise MockValidationException(
            "1 validation error detected: UpdateKinesisStreamingConfiguration."
            "ApproximateCreationDateTimePrecision must not be null"
        )
    destination = _settle(table).get(arn)
    if destination is None or destination["DestinationStatus"] != "ACTIVE":
        raise ResourceInUseException(
            "Table is not in a valid state to update Kinesis Streaming Destination: "
            f"the destination {arn} must be ACTIVE to perform UPDATE operation."
        )
    if destination["ApproximateCreationDateTimePrecision"] == precision:
        raise MockValidationException(
            "Invalid Request: Precision is already set to the desired value of " + precision
        )
    destination["ApproximateCreationDateTimePrecision"] = precision
    destination["DestinationStatus"] = "UPDATING"
    return ActionResult(
        {
            "TableName": table.name,
            "StreamArn": arn,
            "DestinationStatus": "UPDATING",
            "UpdateKinesisStreamingConfiguration": {
                "ApproximateCreationDateTimePrecision": precision
            },
        }
    )


def disable_kinesis_streaming_destination(self: DynamoHandler) -> ActionResult:
    table = _table(self)
    arn = _stream_arn(self)
    destination = _settle(table).get(arn)
    if destination is None or destination["DestinationStatus"] != "ACTIVE":
        raise MockValidationException(
            "Table is not in a valid state to disable Kinesis Streaming Destination: "
            "DisableKinesisStreamingDestination must be ACTIVE to perform DISABLE operation."
        )
    destination["DestinationStatus"] = "DISABLING"
    return ActionResult(
        {
            "TableName": table.name,
            "StreamArn": arn,
            "DestinationStatus": "DISABLING",
            "EnableKinesisStreamingConfiguration": {
                "ApproximateCreationDateTimePrecision": destination[
                    "ApproximateCreationDateTimePrecision"
                ]
            },
        }
    )


for _operation in (
    enable_kinesis_streaming_destination,
    describe_kinesis_streaming_destination,
    update_kinesis_streaming_destination,
    disable_kinesis_streaming_destination,
):
    setattr(DynamoHandler, _operation.__name__, _operation)
