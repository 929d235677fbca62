"""The program, as `pulumi up` runs it where the Python language host is installed."""

from program import program

program()
