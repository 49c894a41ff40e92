import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createDroverRequestAction } from './actions/request';

/**
 * Adds `drover:request` to the scaffolder. Config (app-config.yaml):
 *   drover:
 *     kafka:
 *       brokers: [kafka-1:9092]
 *       requestsTopic: drover.requests    # drover.agent.requests-topic
 *       repliesTopic: drover.replies      # drover.agent.replies-topic
 */
export const scaffolderModuleDrover = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'drover',
  register(env) {
    env.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint, config: coreServices.rootConfig },
      async init({ scaffolder, config }) {
        scaffolder.addActions(
          createDroverRequestAction({
            brokers: config.getStringArray('drover.kafka.brokers'),
            requestsTopic: config.getOptionalString('drover.kafka.requestsTopic'),
            repliesTopic: config.getOptionalString('drover.kafka.repliesTopic'),
          }),
        );
      },
    });
  },
});
