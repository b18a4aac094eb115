"""The backoffice audience, at /gestion/: staff of ministries, commissions and operators."""
