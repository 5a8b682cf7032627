"""The demo university behind `manage.py demo` (see members/management/commands/demo.py)."""
