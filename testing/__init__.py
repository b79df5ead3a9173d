"""Test support shared by every suite: real brokers and databases, isolated per test."""
