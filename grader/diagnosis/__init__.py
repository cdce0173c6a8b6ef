"""Diagnosis: turning a failed comparison into the likely mistake, in a student's terms."""
