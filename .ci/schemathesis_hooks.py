"""Every schemathesis hook .ci/schemathesis-mock needs, as SCHEMATHESIS_HOOKS names one
module: Dropshot's formats (schemathesis_dropshot) and streamed bodies
(schemathesis_streams).
"""

import schemathesis_dropshot  # noqa: F401
import schemathesis_streams  # noqa: F401
