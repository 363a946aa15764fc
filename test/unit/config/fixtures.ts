/** A valid config input, to be copied and broken by the tests. */
export function validInput(): Record<string, any> {
  return {
    project: { name: 'shop' },
    aws: { region: 'ap-northeast-2' },
    source: {
      engine: 'mysql',
      host: '10.0.0.5',
      user: 'dms',
      databases: ['shop'],
      passwordEnv: 'SRC_PW',
    },
    dns: { hostedZone: 'example.com', record: 'www.example.com', currentTarget: '203.0.113.10' },
    verify: { url: 'https://www.example.com/' },
  };
}
