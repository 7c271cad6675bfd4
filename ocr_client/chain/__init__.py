"""Everything that talks to a chain or to the toolchain that builds for it."""
