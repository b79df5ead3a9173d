"""The kernel's own tables alone: the database the kernel's tests run their services on."""

from laas_kernel.migrations import run
from laas_kernel.schema import kernel_metadata

run(kernel_metadata)
