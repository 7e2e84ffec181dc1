/**
 * Ports an internet-facing rule should never open: remote administration (SSH, Telnet, RDP, VNC, WinRM, SMB/RPC),
 * databases and caches (MSSQL, Oracle, MySQL, PostgreSQL, MongoDB, Redis, Memcached, Elasticsearch/Kibana),
 * container and cluster control planes (Docker, etcd, Kubernetes API, kubelet). The default of every
 * `sensitivePorts` param.
 */
export const ADMIN_PORTS: readonly number[] = [
  22, 23, 135, 139, 445, 1433, 1521, 2375, 2376, 2379, 3306, 3389, 5432, 5601, 5900, 5985, 5986, 6379, 6443,
  9200, 10250, 11211, 27017,
];
