# Minimal until the local-stack Makefile lands; keep only the package target when merging.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin

.PHONY: package

# CloudFormation template + Lambda zip in build/ (docs/DEPLOY.md); needs no AWS account.
package:
	$(BIN)/python -m infra.package build
