"""The record-keeping core every curated model builds on: the review status and its workflow, roles,
citations, history, and the admin that curators and reviewers work in."""
