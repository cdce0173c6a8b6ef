"""The upload form (its CSRF token guards the POST)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class UploadForm(FlaskForm):
    file = FileField("Your .py, .ipynb or .zip file", validators=[FileRequired("Choose a file to submit.")])
