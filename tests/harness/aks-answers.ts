// What Azure answers the AKS tests (and the example stacks' test) with.
export const AKS_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";
// What listManagedClusterUserCredentials(format: "exec") returns for an Entra ID cluster: kubelogin with device code login.
export const AKS_USER_KUBECONFIG = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: Q0EtREFUQQ==
    server: https://prod-abc.privatelink.westeurope.azmk8s.io:443
  name: prod
contexts:
- context:
    cluster: prod
    user: clusterUser_rg_prod
  name: prod
current-context: prod
kind: Config
preferences: {}
users:
- name: clusterUser_rg_prod
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - get-token
      - --environment
      - AzurePublicCloud
      - --server-id
      - ${AKS_SERVER_ID}
      - --client-id
      - 80faf920-1908-4b52-b5ef-a8e7bedfc67a
      - --tenant-id
      - tenant-1
      - --login
      - devicecode
      command: kubelogin
      env: null
      installHint: kubelogin is not installed which is required to connect to AAD enabled cluster.
      provideClusterInfo: false
`;
