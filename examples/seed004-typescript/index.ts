// The program, as `pulumi up` runs it where the Node.js language host is installed.
import { program } from "./program";

export = program();
