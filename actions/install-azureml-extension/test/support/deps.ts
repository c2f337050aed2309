// Deps for unit tests: fake GitHub side, fake Azure, time that moves only when the action sleeps.

import { type FakeActionIO, fakeActionIO } from '@arc-ml/actions-kit/testing';
import { type ClusterRef, connectedClusterId, managedClusterId } from '@arc-ml/azure';
import { fakeTime } from '@arc-ml/azure/testing';
import { selfSigned } from '@arc-ml/test-support';
import type { Deps } from '../../src/deps.js';
import type { FakeAzure } from './fake-azure.js';

export const SUB = '00000000-0000-4000-8000-00000000a2c1';
export const ENV = {
  AZURE_CLIENT_ID: '11111111-0000-4000-8000-00000000a2c1',
  AZURE_TENANT_ID: '72f988bf-0000-4000-8000-00000000a2c1',
  AZURE_SUBSCRIPTION_ID: SUB,
};

export const ARC: ClusterRef = {
  kind: 'connected',
  subscriptionId: SUB,
  resourceGroup: 'rg',
  clusterName: 'k3s',
  id: connectedClusterId(SUB, 'rg', 'k3s'),
};
export const AKS: ClusterRef = {
  kind: 'managed',
  subscriptionId: SUB,
  resourceGroup: 'rg',
  clusterName: 'aks',
  id: managedClusterId(SUB, 'rg', 'aks'),
};

/** The HTTPS scoring endpoint's name, and a real certificate and key for it. */
export const CNAME = 'ml.contoso.test';
export const TLS = selfSigned(CNAME);

/** Inputs of an install on ARC with HTTPS scoring behind a load balancer. */
export const HTTPS = {
  'cluster-id': ARC.id,
  'inference-router-service-type': 'LoadBalancer',
  'ssl-cert-pem': TLS.certPem,
  'ssl-key-pem': TLS.keyPem,
  'ssl-cname': CNAME,
};

export interface TestDeps extends Deps {
  readonly io: FakeActionIO;
  readonly sleeps: number[];
}

export function testDeps(inputs: Record<string, string>, azure: FakeAzure): TestDeps {
  const io = fakeActionIO({ inputs });
  const time = fakeTime();
  // Log lines join the fake's event list, so a test can see what was printed before a write.
  const info = io.log.info;
  io.log.info = (message: string) => {
    azure.events.push(`log ${message.split('\n')[0]}`);
    info(message);
  };
  return {
    io,
    connect: async () => azure,
    clock: time.clock,
    sleep: time.sleep,
    env: ENV,
    sleeps: time.sleeps,
  };
}
