"""The refusals of the local org's SOQL engine, worded as Salesforce words them."""

from __future__ import annotations

MALFORMED_QUERY = "MALFORMED_QUERY"
INVALID_FIELD = "INVALID_FIELD"
INVALID_TYPE = "INVALID_TYPE"
NUMBER_OUTSIDE_VALID_RANGE = "NUMBER_OUTSIDE_VALID_RANGE"
INVALID_QUERY_FILTER_OPERATOR = "INVALID_QUERY_FILTER_OPERATOR"


class SoqlError(Exception):
    """A statement Salesforce would refuse; `code` is its errorCode, `message` its message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def malformed(message: str) -> SoqlError:
    return SoqlError(MALFORMED_QUERY, message)


def unsupported(construct: str) -> SoqlError:
    return malformed(f"{construct} is not supported by the local org's SOQL subset")


def unknown_object(name: str) -> SoqlError:
    return SoqlError(
        INVALID_TYPE,
        f"sObject type '{name}' is not supported. If you are attempting to use a custom object, "
        "be sure to append the '__c' after the entity name. Please reference your WSDL or the "
        "describe call for the appropriate names.",
    )


def unknown_child_relationship(name: str) -> SoqlError:
    return SoqlError(
        INVALID_TYPE,
        f"Didn't understand relationship '{name}' in FROM part of query call. If you are "
        "attempting to use a custom relationship, be sure to append the '__r' after the custom "
        "relationship name. Please reference your WSDL or the describe call for the appropriate "
        "names.",
    )


def unknown_field(name: str, entity: str) -> SoqlError:
    return SoqlError(
        INVALID_FIELD,
        f"No such column '{name}' on entity '{entity}'. If you are attempting to use a custom "
        "field, be sure to append the '__c' after the custom field name. Please reference your "
        "WSDL or the describe call for the appropriate names.",
    )


def unknown_relationship(name: str) -> SoqlError:
    return SoqlError(
        INVALID_FIELD,
        f"Didn't understand relationship '{name}' in field path. If you are attempting to use a "
        "custom relationship, be sure to append the '__r' after the custom relationship name. "
        "Please reference your WSDL or the describe call for the appropriate names.",
    )


def not_filterable(name: str) -> SoqlError:
    return SoqlError(INVALID_FIELD, f"field '{name}' can not be filtered in a query call")


def wrong_value_type(name: str, soap_type: str, quoted: bool) -> SoqlError:
    quotes = "should be enclosed in quotes" if quoted else "should not be enclosed in quotes"
    return SoqlError(
        INVALID_FIELD,
        f"value of filter criterion for field '{name}' must be of type {soap_type} and {quotes}",
    )


def invalid_id(value: str) -> SoqlError:
    return SoqlError(INVALID_QUERY_FILTER_OPERATOR, f"invalid ID field: {value}")
