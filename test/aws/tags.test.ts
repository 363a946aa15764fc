import { describe, expect, it } from 'vitest';
import { hasTags, promigrateTags, resourceFilters, tagFilters, tagSpecifications, tagsToRecord } from '../../src/aws/tags.js';

describe('promigrate tags', () => {
  it('builds the tag set, TagSpecifications and filters', () => {
    const tags = promigrateTags({ project: 'shop', step: 'provision', key: 'network.vpc', extra: { team: 'web', Name: 'ignored' } });
    expect(tags).toEqual([
      { Key: 'promigrate:project', Value: 'shop' },
      { Key: 'promigrate:step', Value: 'provision' },
      { Key: 'promigrate:key', Value: 'network.vpc' },
      { Key: 'Name', Value: 'shop-network-vpc' },
      { Key: 'team', Value: 'web' },
    ]);
    expect(tagSpecifications('vpc', tags)[0]!.ResourceType).toBe('vpc');
    expect(tagFilters({ 'promigrate:project': 'shop' })).toEqual([{ Name: 'tag:promigrate:project', Values: ['shop'] }]);
    expect(resourceFilters('shop', 'network.vpc')).toHaveLength(2);
    expect(tagsToRecord(tags)).toMatchObject({ 'promigrate:key': 'network.vpc', team: 'web' });
    expect(hasTags(tags, { 'promigrate:project': 'shop' })).toBe(true);
    expect(hasTags(tags, { 'promigrate:project': 'other' })).toBe(false);
  });
});
