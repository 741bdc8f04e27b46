"""Pure domain core: no I/O, no clock reads, no AWS. Time is always passed in."""
