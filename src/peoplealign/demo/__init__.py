"""The demo organisation generator: a realistic company with planted stories for the analyses to find."""

from peoplealign.demo.generate import DemoSummary, build_demo, generate_demo

__all__ = ["DemoSummary", "build_demo", "generate_demo"]
