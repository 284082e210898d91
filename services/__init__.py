"""Jingzhun services: one package per service, each laid out like its siblings."""
