"""Operations: logs, redaction, request guards, feedback."""
