# The grader's web app and grading worker: one image, two commands (see docker-compose.yml).
#   web:     gunicorn serving server:create_app()              (the default CMD)
#   worker:  grade worker                                      (student code runs in its sandbox)
#   migrate: flask --app server db upgrade                     (one-shot, before the others)
# The image holds the installed grader and server and one course directory (/course: exercises/
# and reference/), never the tests, the benchmarks or .git. Secrets come from the environment.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# libseccomp2: the sandbox installs its seccomp filter through libseccomp (found with ctypes).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libseccomp2 \
    && rm -rf /var/lib/apt/lists/*

# Only what the package needs to install: the grader and the server, from pyproject.toml.
WORKDIR /build
COPY pyproject.toml ./
COPY grader/ grader/
COPY server/ server/
RUN pip install '.[server]' && rm -rf /build

# The course directory, read by path (never importable by student code: the sandbox does not
# bind it). Owned by root and read-only for the service user.
COPY exercises/ /course/exercises/
COPY reference/ /course/reference/

# An unprivileged user: the sandbox then gives each student process a user namespace of its own
# and needs no capability from Docker (see the worker's comments in docker-compose.yml).
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/grader --create-home --shell /usr/sbin/nologin grader

# GRADER_COURSE: where the grader finds exercises/ and reference/. GRADER_INSTANCE: the instance
# folder of create_app, `grade worker` and `grade admin` (nothing secret is written there when
# SECRET_KEY and GRADING_SECRET are set, as the compose file requires).
ENV GRADER_COURSE=/course \
    GRADER_INSTANCE=/var/lib/grader/instance

USER grader
WORKDIR /var/lib/grader
EXPOSE 8000

CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-", "server:create_app()"]
