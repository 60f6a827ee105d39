/**
 * LH016: every host has someone to tell about maintenance (2023: the
 * host's owners were never told).
 */
import { fromViolations, modelLocation, type RuleImplementation } from '../types';
import { violation } from './support';

export const HostContacts: RuleImplementation = {
  checkHost(host) {
    return fromViolations(
      host.model.contacts.length > 0
        ? []
        : [violation('contacts', `${host.model.fqdn} has no contacts: nobody is told when a maintenance touches it`, modelLocation(host, '/contacts'))],
    );
  },
};
