"""How every launcher addition is installed: set on moto's class under the AWS operation's
name, marked, so that installing twice changes nothing."""


def installed(cls, name):
    """True when ``cls.name`` is already one of the launcher's additions."""
    return getattr(getattr(cls, name, None), "healthcare_addition", False)


def install(cls, function, name=None):
    """Set ``function`` on ``cls`` (under ``name``, else its own name), marked as an addition."""
    function.healthcare_addition = True
    setattr(cls, name or function.__name__, function)
