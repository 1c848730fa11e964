import React, { useState } from "react";

/** Props accepted by the list. */
interface TodoListProps<T> {
  items: T[];
  render?: (item: T) => JSX.Element;
}

/**
 * Shows a list of todos with a filter.
 */
export function TodoList<T extends { id: string }>({ items, render }: TodoListProps<T>) {
  const [filter, setFilter] = useState("");
  const visible = items.filter((item) => item.id.includes(filter));

  function renderItem(item: T) {
    return render ? render(item) : <li key={item.id}>{item.id}</li>;
  }

  return (
    <div className="todo">
      <input value={filter} onChange={(e) => setFilter(e.target.value)} />
      <ul>{visible.map(renderItem)}</ul>
    </div>
  );
}

export const Badge = ({ count }: { count: number }) => <span>{count > 99 ? "99+" : count}</span>;

export default class Counter extends React.Component<{}, { n: number }> {
  state = { n: 0 };

  /** Increment the counter. */
  increment = () => this.setState({ n: this.state.n + 1 });

  render() {
    return <button onClick={this.increment}>{this.state.n}</button>;
  }
}
