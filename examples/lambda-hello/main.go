// Command lambda-hello is the sample Lambda handler GoLambdaFunction builds:
// it greets the name in the event and reports the Go toolchain that built it.
package main

import (
	"context"
	"runtime"

	"github.com/aws/aws-lambda-go/lambda"
)

// Request is the invocation payload.
type Request struct {
	Name string `json:"name"`
}

// Response is what the function returns.
type Response struct {
	Message   string `json:"message"`
	GoVersion string `json:"goVersion"`
}

func handle(_ context.Context, req Request) (Response, error) {
	return Response{Message: greeting(req.Name), GoVersion: runtime.Version()}, nil
}

func greeting(name string) string {
	if name == "" {
		name = "world"
	}
	return "hello, " + name
}

func main() {
	lambda.Start(handle)
}
