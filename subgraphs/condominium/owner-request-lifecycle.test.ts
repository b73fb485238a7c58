import { describe, expect, it } from 'vitest';
import { ownerRequestStatus } from '../../schema/condominium.js';
import { isOverdue, mayMove } from './owner-request-lifecycle.js';

describe('the life of an owner request', () => {
  it('lets the manager take it through accepted and in progress to done, and the requester reopen it', () => {
    expect(mayMove('SUBMITTED', 'ACCEPTED', 'MANAGER')).toBe(true);
    expect(mayMove('ACCEPTED', 'IN_PROGRESS', 'MANAGER')).toBe(true);
    expect(mayMove('IN_PROGRESS', 'DONE', 'MANAGER')).toBe(true);
    expect(mayMove('DONE', 'REOPENED', 'REQUESTER')).toBe(true);
    expect(mayMove('REJECTED', 'REOPENED', 'REQUESTER')).toBe(true);
    expect(mayMove('REOPENED', 'ACCEPTED', 'MANAGER')).toBe(true);
  });
  it('refuses skipped steps, moves backwards, and each actor the other one’s moves', () => {
    expect(mayMove('SUBMITTED', 'DONE', 'MANAGER')).toBe(false);
    expect(mayMove('SUBMITTED', 'IN_PROGRESS', 'MANAGER')).toBe(false);
    expect(mayMove('DONE', 'IN_PROGRESS', 'MANAGER')).toBe(false);
    expect(mayMove('DONE', 'REOPENED', 'MANAGER')).toBe(false);
    expect(mayMove('SUBMITTED', 'ACCEPTED', 'REQUESTER')).toBe(false);
    expect(mayMove('IN_PROGRESS', 'REJECTED', 'MANAGER')).toBe(false);
    for (const status of ownerRequestStatus.enumValues) expect(mayMove(status, status, 'MANAGER')).toBe(false);
  });
  it('counts a request overdue from the day after its due day, unless done or rejected', () => {
    expect(isOverdue({ status: 'ACCEPTED', dueOn: '2026-11-20' }, '2026-11-20')).toBe(false);
    expect(isOverdue({ status: 'ACCEPTED', dueOn: '2026-11-20' }, '2026-11-21')).toBe(true);
    expect(isOverdue({ status: 'REOPENED', dueOn: '2026-11-20' }, '2026-11-21')).toBe(true);
    expect(isOverdue({ status: 'DONE', dueOn: '2026-11-20' }, '2026-12-21')).toBe(false);
    expect(isOverdue({ status: 'REJECTED', dueOn: '2026-11-20' }, '2026-12-21')).toBe(false);
  });
});
