from laas_kernel.migrations import run
from laas_kernel.schema import kernel_metadata
from ledger.models import Base

run([Base.metadata, kernel_metadata])
