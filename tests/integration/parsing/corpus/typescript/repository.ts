import { Injectable } from "./di";

/** A stored entity with an identifier. */
export interface Entity {
  id: string;
  touch(): void;
}

export type Predicate<T> = (item: T) => boolean;

/**
 * Keeps entities in memory.
 */
@Injectable()
export class MemoryRepository<T extends Entity> implements Iterable<T> {
  private readonly items = new Map<string, T>();

  constructor(private readonly name: string) {}

  /** Store or replace an entity. */
  @Logged
  save(entity: T): void {
    this.items.set(entity.id, entity);
  }

  find(predicate: Predicate<T>): T[] {
    const matches = (item: T): boolean => predicate(item);
    return [...this.items.values()].filter(matches);
  }

  *[Symbol.iterator](): Iterator<T> {
    yield* this.items.values();
  }
}

export abstract class Shape {
  abstract area(): number;

  describe(): string {
    return `area=${this.area()}`;
  }
}

export function overloaded(x: string): string;
export function overloaded(x: number): number;
export function overloaded(x: any): any {
  return x;
}

namespace Geometry {
  export function origin(): [number, number] {
    return [0, 0];
  }
}

export const identity = <T,>(value: T): T => value;
