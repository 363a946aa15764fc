/** The cutover (Route 53) and verify questions of the init wizard. */
import { HOSTED_ZONE_ID, isDomainName, isHost, isHostname, isHttpUrl } from './fields.js';
import { put, str, type Answers, type WizardQuestion } from './wizard-kit.js';

const hasZone = (answers: Answers) => str(answers.hostedZone) !== '';
/** `--sandbox` without a zone gets a demo zone, so a rehearsal runs end to end. */
const isDemoZone = (answers: Answers) => answers.sandbox === true && answers.hostedZone === 'example.com';

export const cutoverQuestions: readonly WizardQuestion[] = [
  {
    id: 'hostedZone',
    flag: '--hosted-zone',
    question: {
      kind: 'input',
      code: 'init.hostedZone',
      message: 'Route 53 hosted zone for the cutover (domain or zone id; empty to set up later)',
      validate: (v) =>
        v === '' || HOSTED_ZONE_ID.test(v) || isDomainName(v.replace(/\.$/, '')) || 'expected a domain such as example.com or a zone id such as Z0123456789ABC',
    },
    required: false,
    default: (a) => (a.sandbox === true ? 'example.com' : ''),
    paths: ['dns.hostedZone'],
    toConfig: put('dns', 'hostedZone'),
  },
  {
    id: 'record',
    flag: '--record',
    question: {
      kind: 'input',
      code: 'init.record',
      message: 'Record to switch (e.g. www.example.com)',
      validate: (v) => isHostname(v.replace(/^\*\./, '')) || 'expected a record name such as www.example.com',
    },
    required: false,
    default: (a) => (isDemoZone(a) ? 'www.example.com' : HOSTED_ZONE_ID.test(str(a.hostedZone)) ? '' : `www.${str(a.hostedZone)}`),
    when: hasZone,
    paths: ['dns.record'],
    toConfig: put('dns', 'record'),
  },
  {
    id: 'currentTarget',
    flag: '--current-target',
    question: {
      kind: 'input',
      code: 'init.currentTarget',
      message: 'Where the record points today (IP or hostname; empty if unknown)',
      validate: (v) => v === '' || isHost(v) || 'expected an IP address or hostname',
    },
    required: false,
    default: (a) => (isDemoZone(a) ? '203.0.113.10' : ''),
    when: hasZone,
    paths: ['dns.currentTarget'],
    toConfig: put('dns', 'currentTarget'),
  },
  {
    id: 'newTarget',
    flag: '--new-target',
    question: {
      kind: 'input',
      code: 'init.newTarget',
      message: 'Where it should point after cutover (hostname, IP or alias:<AWS DNS name>; empty to decide later)',
      validate: (v) =>
        v === '' || (v.startsWith('alias:') ? isHostname(v.slice(6)) : isHost(v)) || 'expected a hostname, an IP address or alias:<AWS DNS name>',
    },
    required: false,
    default: () => '',
    when: hasZone,
    paths: ['dns.newTarget'],
    toConfig: put('dns', 'newTarget'),
  },
  {
    id: 'dnsStrategy',
    flag: '--dns-strategy',
    question: {
      kind: 'select',
      code: 'init.dnsStrategy',
      message: 'How to move traffic',
      choices: [
        { value: 'simple', name: 'simple: switch the record at once' },
        { value: 'weighted', name: 'weighted: shift traffic in steps (10% → 50% → 100%)' },
      ],
    },
    required: false,
    default: () => 'simple',
    when: hasZone,
    paths: ['dns.strategy'],
    toConfig: put('dns', 'strategy'),
  },
  {
    id: 'verifyUrl',
    flag: '--verify-url',
    question: {
      kind: 'input',
      code: 'init.verifyUrl',
      message: 'URL that must answer after cutover (empty for none)',
      validate: (v) => v === '' || isHttpUrl(v) || 'expected an http:// or https:// URL',
    },
    required: false,
    default: (a) => (a.sandbox !== true && hasZone(a) && str(a.record) !== '' ? `https://${str(a.record)}/` : ''),
    paths: ['verify.url'],
    toConfig: put('verify', 'url'),
  },
];
