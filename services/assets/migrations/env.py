from assets.models import Base
from laas_kernel.migrations import run
from laas_kernel.schema import kernel_metadata

run([Base.metadata, kernel_metadata])
