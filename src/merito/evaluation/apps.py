from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "merito.evaluation"
    verbose_name = "Evaluación: procesos de selección, pruebas y operadores"
