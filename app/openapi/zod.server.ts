import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

// `.openapi()` returns a copy carrying the metadata: the schemas the routes validate with are left as they are.
extendZodWithOpenApi(z);

export { z };
