import { canonicalAllowList, classifyAddress, hostPortKey } from './address-policy.js';

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', '8.8.8.8'],
    ['93.184.215.14', '93.184.215.14'],
    ['2606:4700::6810:84e5', '2606:4700::6810:84e5'],
    ['::ffff:8.8.8.8', '8.8.8.8'],
  ])('calls %s public unicast', (address, canonical) => {
    expect(classifyAddress(address)).toEqual({ address: canonical, public: true, range: 'unicast' });
  });

  it.each([
    ['127.0.0.1', '127.0.0.1', 'loopback'],
    ['0.0.0.0', '0.0.0.0', 'unspecified'],
    ['0.1.2.3', '0.1.2.3', 'unspecified'],
    ['10.1.2.3', '10.1.2.3', 'private'],
    ['172.16.0.1', '172.16.0.1', 'private'],
    ['192.168.0.1', '192.168.0.1', 'private'],
    ['100.64.0.1', '100.64.0.1', 'carrierGradeNat'],
    ['100.100.100.200', '100.100.100.200', 'carrierGradeNat'],
    ['169.254.169.254', '169.254.169.254', 'linkLocal'],
    ['198.18.0.1', '198.18.0.1', 'reserved'],
    ['240.0.0.1', '240.0.0.1', 'reserved'],
    ['224.0.0.1', '224.0.0.1', 'multicast'],
    ['255.255.255.255', '255.255.255.255', 'broadcast'],
    ['192.0.0.192', '192.0.0.192', 'reserved'],
    ['168.63.129.16', '168.63.129.16', 'denied'],
    ['::1', '::1', 'loopback'],
    ['::', '::', 'unspecified'],
    ['::ffff:127.0.0.1', '127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', '127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', '169.254.169.254', 'linkLocal'],
    ['::127.0.0.1', '::7f00:1', 'denied'],
    ['::8.8.8.8', '::808:808', 'denied'],
    ['64:ff9b::7f00:1', '64:ff9b::7f00:1', 'rfc6052'],
    ['2002:7f00:1::', '2002:7f00:1::', '6to4'],
    ['2001::1', '2001::1', 'teredo'],
    ['fd00:ec2::254', 'fd00:ec2::254', 'uniqueLocal'],
    ['fe80::1%eth0', 'fe80::1', 'linkLocal'],
    ['fec0::1', 'fec0::1', 'deprecatedSiteLocal'],
    ['ff02::1', 'ff02::1', 'multicast'],
    ['2001:db8::1', '2001:db8::1', 'reserved'],
  ])('refuses %s as not public', (address, canonical, range) => {
    expect(classifyAddress(address)).toEqual({ address: canonical, public: false, range });
  });

  it.each(['0x7f.1', '127.1', '2130706433', 'localhost', '', '1.2.3.4.5'])(
    'refuses %p: only canonical addresses are judged, anything else is not public',
    (address) => {
      expect(classifyAddress(address)).toEqual({ address, public: false, range: 'invalid' });
    },
  );
});

describe('allow-list keys', () => {
  it('brackets IPv6 hosts and lower-cases names', () => {
    expect(hostPortKey('::1', 8080)).toBe('[::1]:8080');
    expect(hostPortKey('Wiki.Intranet', 443)).toBe('wiki.intranet:443');
  });

  it('canonicalizes entries the way URLs are canonicalized', () => {
    expect([...canonicalAllowList(['[0:0::1]:8080', 'WIKI.intranet:443', '0x7f.1:3000', '127.0.0.1:80'])]).toEqual([
      '[::1]:8080',
      'wiki.intranet:443',
      '127.0.0.1:3000',
      '127.0.0.1:80',
    ]);
  });

  it('refuses an entry without a port', () => {
    expect(() => canonicalAllowList(['localhost'])).toThrow('allow-list entry "localhost" is not host:port');
  });
});
