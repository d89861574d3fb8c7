"""Reading the refusals of services: every ValidationError carries codes, never matched by
their text."""

import pytest
from django.core.exceptions import ValidationError


def error_codes(error):
    """Every code of a ValidationError, whether raised for a field or not."""
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def refused(code, call, *args, **kwargs):
    """Call and assert it is refused with exactly `code`; returns the error."""
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    assert error_codes(info.value) == {code}
    return info.value
