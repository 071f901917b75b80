module goplatform.dev/tools/kubernetes-provider

go 1.13

replace github.com/Azure/go-autorest => github.com/Azure/go-autorest v13.3.1+incompatible

require github.com/pulumi/pulumi-kubernetes/provider/v2 v2.0.0
replace vbom.ml/util => github.com/fvbommel/util v0.0.0-20160121211510-db5cfe13f5cc
