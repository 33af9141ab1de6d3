"""Forms (Flask-WTF): the fiche form built from `directory.fields`, the availability form, a CSRF-only form;
one module per concern for the others (`accounts`, `campaigns`, `public` self-service, `reports`).

Views parse a request into one of these, call an operation and render; the forms hold field definitions,
choices and the validation that needs several fields or the database.
"""

from __future__ import annotations

from flask_wtf import FlaskForm

from directory.forms.service import AvailabilityForm, ServiceForm, enum_choices, form_data, form_values, service_form

__all__ = ["AvailabilityForm", "EmptyForm", "ServiceForm", "enum_choices", "form_data", "form_values", "service_form"]


class EmptyForm(FlaskForm):
    """A form with only its CSRF token (buttons that post)."""
