// Entry point Pulumi.yaml's `main` runs: the program's return value becomes the stack outputs.
import { program } from "./program";

export = program;
